// Debrief's web app: streamed chat turns, the evidence highlight, and small form niceties.
// No framework and no inline script (the pages' Content-Security-Policy allows only this file). Every
// piece of text from the server is put in with textContent, or arrives as HTML the server escaped.
"use strict";

(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  // --- server-sent events over fetch (EventSource cannot POST or send the CSRF header) ----------------
  async function postStream(url, body, on) {
    let response;
    try {
      response = await fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "text/event-stream", "X-CSRF-Token": csrf() },
        body: JSON.stringify(body || {}),
      });
    } catch (err) {
      on.error({ status: 0, detail: "The server could not be reached. Check your connection and try again." });
      return;
    }
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
      on.error({ status: response.status, detail });
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message";
        const data = [];
        for (const line of frame.split("\n")) {
          if (line.startsWith("event:")) name = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (!data.length) continue; // keep-alive comments
        let parsed;
        try { parsed = JSON.parse(data.join("\n")); } catch (_) { parsed = data.join("\n"); }
        if (on[name]) on[name](parsed);
      }
    }
  }

  // --- the debrief page ------------------------------------------------------------------------------
  const layout = document.querySelector(".debrief-layout");
  if (layout) {
    const debriefId = layout.dataset.debrief;
    const statusLine = document.getElementById("turn-status");
    const errorBox = document.getElementById("turn-error");
    const form = document.getElementById("chat-form");
    const input = document.getElementById("message");
    const send = document.getElementById("send");

    const showError = (problem) => {
      errorBox.replaceChildren();
      const text = document.createElement("span");
      if (problem.status === 401) {
        text.textContent = problem.detail + " ";
        const link = document.createElement("a");
        link.href = "/signin?expired=1";
        link.textContent = "Sign in";
        errorBox.append(text, link);
      } else {
        text.textContent = problem.status === 503 || problem.status === 502
          ? "The model is unavailable right now. " + problem.detail
          : problem.detail;
        errorBox.append(text);
      }
      errorBox.hidden = false;
    };

    const refresh = async () => {
      const response = await fetch(`/app/debriefs/${debriefId}/live`, { credentials: "same-origin" });
      if (!response.ok) {
        if (response.status === 401) showError({ status: 401, detail: (await response.json()).detail });
        return;
      }
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const id of ["debrief-head", "transcript-wrap", "record", "guidance"]) {
        const replacement = fresh.getElementById(id);
        const current = document.getElementById(id);
        if (replacement && current) current.replaceWith(document.adoptNode(replacement));
      }
      const transcript = document.getElementById("transcript");
      if (transcript) transcript.scrollTop = transcript.scrollHeight;
    };

    const addLine = (role, text) => {
      const transcript = document.getElementById("transcript");
      const item = document.createElement("li");
      item.className = "msg " + role;
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = role === "recruiter" ? "You" : "Debrief";
      const body = document.createElement("p");
      body.className = "text";
      body.textContent = text;
      item.append(who, body);
      transcript.append(item);
      transcript.scrollTop = transcript.scrollHeight;
      return body;
    };

    const runTurn = async (url, body) => {
      errorBox.hidden = true;
      send.disabled = true;
      statusLine.textContent = "Sending…";
      let chunks = 0;
      let failed = false;
      await postStream(url, body, {
        accepted: () => { statusLine.textContent = "Your notes are saved. Reading them…"; },
        status: (data) => { statusLine.textContent = data.message + "…"; },
        progress: () => { chunks += 1; statusLine.textContent = `Reading your notes… (${chunks})`; },
        reply: (data) => { addLine("assistant", data.text); },
        error: (problem) => { failed = true; showError(problem); },
      });
      await refresh();
      send.disabled = false;
      statusLine.textContent = failed ? "Stopped: see the message below." : "Done.";
      input.focus();
      if (!failed) refined();
    };

    // When the flow completes (or, if configured, after any turn) the record is re-read against the
    // whole conversation in the background; say so while it runs, and swap in the refined record when
    // that pass is done (200). A 204 means no pass was running. A newer turn restarts the wait.
    let refining = 0;
    const refined = async () => {
      const mine = ++refining;
      const pending = fetch(`/app/debriefs/${debriefId}/refinement`, { credentials: "same-origin" });
      const shown = setTimeout(() => {
        if (mine === refining) statusLine.textContent = "Done. Refining the record from the whole conversation…";
      }, 300);
      const response = await pending;
      clearTimeout(shown);
      if (mine !== refining || response.status !== 200) return;
      await refresh();
      statusLine.textContent = "Done. The record is refined from the whole conversation.";
    };

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value;
      if (!text.trim()) return;
      addLine("recruiter", text);
      input.value = "";
      runTurn(form.dataset.stream, { text });
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
    });
    // The retry form is re-rendered after each turn, so listen on the page.
    document.addEventListener("submit", (event) => {
      const retry = event.target.closest("#retry-form");
      if (!retry) return;
      event.preventDefault();
      runTurn(retry.dataset.stream, {});
    });

    // Evidence: hovering or focusing a field lights up its quotes in the transcript; the Quotes button
    // keeps them lit (and lists them) until pressed again.
    const light = (field, on) => {
      for (const mark of document.querySelectorAll("mark.evidence")) {
        if (mark.dataset.fields.split(" ").includes(field)) mark.classList.toggle("active", on);
      }
    };
    const pinned = () => Array.from(document.querySelectorAll(".quotes-toggle[aria-pressed=true]"))
      .map((b) => b.dataset.field);
    const relight = () => {
      for (const mark of document.querySelectorAll("mark.evidence")) mark.classList.remove("active");
      for (const field of pinned()) light(field, true);
    };
    document.addEventListener("click", (event) => {
      const button = event.target.closest(".quotes-toggle");
      if (!button) return;
      const on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
      button.parentElement.querySelector(".quotes").hidden = !on;
      relight();
      const first = Array.from(document.querySelectorAll("mark.evidence.active"))[0];
      if (on && first) first.scrollIntoView({ block: "nearest" });
    });
    for (const kind of ["mouseover", "focusin"]) {
      document.addEventListener(kind, (event) => {
        const row = event.target.closest && event.target.closest(".field.known");
        if (row) { relight(); light(row.dataset.field, true); }
      });
    }
    for (const kind of ["mouseout", "focusout"]) {
      document.addEventListener(kind, (event) => {
        if (event.target.closest && event.target.closest(".field.known")) relight();
      });
    }
  }

  // --- the new-draft form: the spec box only for a revised job spec ---------------------------------------
  const draftType = document.getElementById("draft-type");
  const specBox = document.getElementById("spec-box");
  if (draftType && specBox) {
    const sync = () => {
      const spec = draftType.value === "revised_job_spec";
      specBox.hidden = !spec;
      document.getElementById("original_spec").required = spec;
    };
    draftType.addEventListener("change", sync);
    sync();
  }

  // Long form posts (writing a draft) say what is happening and cannot be sent twice.
  document.addEventListener("submit", (event) => {
    const button = event.target.querySelector("button[data-busy]");
    if (button && !event.defaultPrevented) {
      setTimeout(() => { button.disabled = true; button.textContent = button.dataset.busy; }, 0);
    }
  });
})();
