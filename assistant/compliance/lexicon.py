"""The one lexicon of protected characteristics, their proxies and gender-coded words.

Read by the draft lint (assistant/lint.py, which documents the choices behind these patterns) and by
the record's compliance flags (assistant/compliance.py). Patterns are case-insensitive and carry their
own word boundaries; a pattern may raise several rules ("where is she really from" is race and
nationality).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GAUCHER_2011 = ("Gaucher, Friesen & Kay (2011), Evidence that gendered wording in job advertisements exists "
                "and sustains gender inequality, JPSP 101(1) 109-128, appendix")


@dataclass(frozen=True)
class Rule:
    category: str
    explanation: str
    source: str | None


_EA = "Equality Act 2010"
RULES: dict[str, Rule] = {
    "protected.age": Rule(
        "age", "Age, and wording that stands in for it, must not shape a hiring decision or an advert; "
        "describe the skills and experience the role needs instead.", f"{_EA}, s.5"),
    "protected.pregnancy": Rule(
        "pregnancy or family plans", "Pregnancy, maternity, children and family plans must not be asked "
        "about or weighed; state the role's hours and travel, the same for every candidate.", f"{_EA}, ss.18 and 4"),
    "protected.race": Rule(
        "race or ethnicity", "Race, colour and ethnic origin must not be asked about or weighed; remove it "
        "and keep to job-related evidence.", f"{_EA}, s.9"),
    "protected.religion": Rule(
        "religion", "Religion or belief must not be asked about or weighed; state the working pattern and "
        "let the candidate raise any needs.", f"{_EA}, s.10"),
    "protected.disability": Rule(
        "disability or health", "Health and disability must not be asked about before an offer or held "
        "against a candidate; describe the tasks of the job and offer reasonable adjustments.", f"{_EA}, ss.6 and 60"),
    "protected.nationality": Rule(
        "nationality or accent", "Nationality, national origin and accent must not be weighed; state the "
        "language level the job needs, such as 'fluent written English'.", f"{_EA}, s.9"),
    "protected.sex": Rule(
        "sex or gender", "Sex and gender identity must not be preferred or weighed; use gender-neutral "
        "wording and job titles.", f"{_EA}, ss.7 and 11"),
    "protected.sexual_orientation": Rule(
        "sexual orientation", "Sexual orientation must not be asked about or weighed; remove it.", f"{_EA}, s.12"),
    "protected.marital_status": Rule(
        "marital status", "Marriage, partners and relationships must not be asked about or weighed; "
        "remove it and keep to what the job needs.", f"{_EA}, s.8"),
    "gender_coded.masculine": Rule(
        "gender-coded wording", "A masculine-coded word: adverts full of them appeal less to women, and "
        "balanced or neutral wording widens the applicant pool.", GAUCHER_2011),
    "gender_coded.feminine": Rule(
        "gender-coded wording", "A feminine-coded word: keep masculine- and feminine-coded wording in balance "
        "or use neutral words; balanced wording widens the applicant pool.", GAUCHER_2011),
}


@dataclass(frozen=True)
class Pattern:
    rules: tuple[str, ...]
    regex: re.Pattern[str]
    names_category: bool = False  # a word equal-opportunity statements use to name the category
    unless_before: re.Pattern[str] | None = None  # searched in the 40 characters before the match
    unless_after: re.Pattern[str] | None = None  # matched at the start of the 40 characters after it
    explanation: str | None = None  # a proxy's own reason, when the rule's is too general


def _p(rules: str, regex: str, *, names: bool = False, before: str | None = None, after: str | None = None,
       why: str | None = None) -> Pattern:
    def compiled(source: str | None) -> re.Pattern[str] | None:
        return re.compile(source, re.IGNORECASE) if source else None

    return Pattern(tuple(f"protected.{r}" for r in rules.split()), re.compile(regex, re.IGNORECASE),
                   names, compiled(before), compiled(after), why)


_PERSON = (r"(?:guys?|lads?|girls?|wom[ae]n|m[ae]n|lad(?:y|ies)|chaps?|blokes?|fellas?|gents?|persons?|people|"
           r"candidates?|applicants?|workers?|staff|famil(?:y|ies)|hires?|colleagues?|trades(?:men|women|people)?|"
           r"crew|workforce|employees?|folks?)")
_AGE_ADJ = r"(?:energetic|dynamic|hungry|vibrant|enthusiastic|fresh|ambitious|fun|lively)"
_AN_AGE = r"(?:1[6-9]|[2-7]\d)(?!\s*(?:k\b|%|percent|grand|:|\.\d|mins?\b|minutes|hours|days|weeks|months|miles|km))"
_ABOUT = (r"(?:only|nearly|almost|just|barely|about|around|like|over|under|probably|maybe|at least|pushing|"
          r"well over|getting on for)")
# Pay in the rest of the sentence ("he's 60 and wants 70k", "at 55, she'd take the base"): not an age.
_NO_MONEY_AFTER = (r"(?![^.;!?]*(?:\d\s*k\b|[£$€]|\bgrand\b|\bbase\b|\bsalary\b|\bpackage\b|\bpay\b|"
                   r"\bbonus\b|\bday rate\b|\bOTE\b))")
_DECADES = r"(?:20s|30s|40s|50s|60s|twenties|thirties|forties|fifties|sixties)"
_ETHNIC = r"(?:asian|black|white|brown|mixed[- ]race|afro-caribbean|arab|oriental|gypsy|travell?er|roma)"
_NATIONAL = (r"(?:polish|romanian|bulgarian|lithuanian|latvian|eastern european|indian|pakistani|bangladeshi|"
             r"chinese|nigerian|ghanaian|somali|filipino|portuguese|spanish|italian|french|german|irish|scottish|"
             r"welsh|english|british|american|russian|ukrainian|turkish|african|caribbean|foreign)")

PROTECTED: tuple[Pattern, ...] = (
    # --- age ---
    _p("age", r"\bage(?:d|ing|ism|ist)?\b", names=True, before=r"day and $"),
    _p("age", r"\b(?:too|so|very|quite|fairly|pretty|a bit) (?:young|old)\b"),
    _p("age", r"\bdigital natives?\b", why="'Digital native' stands in for 'young'; name the tools and channels "
       "the role uses instead."),
    _p("age", r"\b(?:recent|fresh) grad(?:uate)?s?\b", why="'Recent graduate' excludes older applicants; state "
       "the qualification or level the role needs instead."),
    _p("age", rf"\byoung(?:er|ish)?(?:,| and| &) {_AGE_ADJ}\b|\b{_AGE_ADJ},? young\b|\byouthful\b"),
    _p("age", r"\byoung(?:er|ish)? (?:team|company|business|culture|office|crowd|blood|talent|guys?|lads?|lady|"
       r"wom[ae]n|m[ae]n|candidates?|applicants?|professionals?|guns?|graduates?|staff|workforce|faces?|hires?)\b"),
    _p("age", r"\b(?:fresh|new|young) (?:blood|faces)\b"),
    _p("age", r"\bover-?qualified\b|\btoo experienced\b", why="'Overqualified' is often read as a stand-in for "
       "age; say which requirement the candidate's experience does not match."),
    _p("age", r"\b(?:max(?:imum)?\.?|no more than|not more than|at most|up to a maximum of)\s+(?:of\s+)?\d+\+?\s*"
       r"(?:years?|yrs?)['’]?(?:\s+of)?\s+(?:experience|exp\b|pqe|post[- ]qualification)"
       r"|\b\d+\+?\s*(?:years?|yrs?)['’]?(?:\s+of)?\s+(?:experience|exp|pqe)\s+(?:max(?:imum)?|at most)\b",
       why="A cap on years of experience shuts out older applicants; state the level of the role instead."),
    _p("age", r"\bretir(?:e|es|ed|ing|ement|ee|ees)\b",
       after=r"\s+(?:the|our|this|that|these|those|its|legacy|old|plan|plans|savings|scheme|account|benefits?|"
             r"contributions?)\b"),
    _p("age", r"\bmature (?:candidates?|applicants?|workers?|students?|person|people|lady|gentleman|"
       r"m[ae]n|wom[ae]n)\b"),
    _p("age", r"\bhow old (?:is |are |was )?(?:she|he|they|you|the candidate)\b"
       r"|\bdate of birth\b|\bd\.?o\.?b\b|\bborn in (?:19|20)\d\d\b"),
    _p("age", rf"\b\d{{2}}[- ](?:years?|yrs?)[- ]old\b|\baged \d{{2}}\b"
       rf"|\bin (?:his|her|their) (?:early |mid[- ]?|late )?{_DECADES}\b"
       r"|\b(?:twenty|thirty|forty|fifty|sixty)[- ]something\b|\bover[- ](?:40|50|60)s\b"
       r"|\b(?:must be|should be|ideally|preferably|aged) (?:under|over|below|above) \d{2}\b"),
    # An age given as a bare number: "she's only 24", "he's 58 so...", "58yo", "turning 50 next year",
    # "at 58 he won't want to learn a new system". Recruiters also give pay as bare numbers ("he's at
    # 60", "came in at 58", "at 65 she'd move"), so "at" a number is an age only where it opens a
    # sentence on the person other than as a condition, or ends a phrase about learning or starting
    # again; money words in the sentence rule all of these out.
    _p("age", rf"\b(?:s?he|they)(?:'s|'re| is| are| was| were)(?: {_ABOUT})? {_AN_AGE}(?:-?ish)?"
       rf"(?=\s*(?:[.,;:!?)]|$|(?:and|so|but|or|now|years?|yrs?)\b)){_NO_MONEY_AFTER}"
       rf"|\b{_AN_AGE} ?(?:yo|y/o|y\.o\.)(?!\w)|\b{_AN_AGE}(?:st|nd|rd|th) birthday\b"
       rf"|\bturn(?:s|ed|ing)? {_AN_AGE}(?=\s*(?:[.,;:!?)]|$|(?:next|this|soon|in|last|and|so)\b)){_NO_MONEY_AFTER}"
       rf"|(?:^|[.!?]\s+|\band\s+|\bbut\s+)at {_AN_AGE},? (?:s?he|they|you)\b(?!'d|'ll| would| will){_NO_MONEY_AFTER}"
       rf"|\b(?:learn(?:ing)?|retrain(?:ing)?|start(?:ing)? (?:again|over|afresh)|chang(?:e|ing) careers?)"
       rf"\b[^.;!?\d£$€]{{0,40}}\bat {_AN_AGE}\b{_NO_MONEY_AFTER}"),
    _p("age", r"\b(?:millennials?|boomers?|gen[- ]?[zy]|generation [xyz]|zoomers?|(?:younger|older) generation)\b"),
    _p("age", rf"\b(?:older|younger) (?:{_PERSON}|members? of staff)\b"),
    # Guessing an age from someone's looks: "you look about 19", "looks barely 25".
    _p("age", r"\b(?:looks?|looked|looking) (?:about|around|barely|maybe|only|like (?:s?he'?s|they'?re|you'?re)) "
       r"\d{2}\b(?!\s*(?:%|percent|k\b|mins?|minutes|hours|days|weeks|months|grand))"),
    _p("age", r"\b(?:stage|time) of life\b|\b(?:he|she|they)(?:'s|'re| is| are| was)?(?: \w+)? winding down\b"
       r"|\bset in (?:his|her|their) ways\b"),
    # --- pregnancy, maternity and family plans ---
    _p("pregnancy", r"\bpregnan\w*\b", names=True),
    _p("pregnancy", r"\b(?:maternity|paternity)\b", names=True,
       before=r"(?:enhanced|generous|paid|statutory|company|occupational|family-friendly)(?: \w+)?(?: and| &| ?/)? ?$",
       after=r"(?:\s*(?:and|&|/)\s*paternity)?\s*(?:cover|contract|role|position|post|fixed[- ]term|pay|polic(?:y|ies)|"
             r"package|scheme|benefits?|support|leave (?:policy|pay|scheme|package))\b"),
    _p("pregnancy", r"\b(?:start(?:s|ing|ed)?|hav(?:e|ing)|had|plan(?:s|ning)?(?: for)?|want(?:s|ing)?|thinking about)"
       r" ['‘’\"“”]?(?:a|another|more|any more|a second)['‘’\"“”]? (?:family|baby|babies|kids|children|child)\b"
       r"|\bfamily (?:plans|planning|commitments|responsibilities|circumstances|situation)\b|\byoung family\b"),
    _p("pregnancy", r"\b(?:her|his|their|your|any|more|young|small|little|two|three|four|[2-4]|no|many|grown-up|has|"
       r"have|had|having|want|wants|wanting) (?:kids|children|child|baby|babies|toddlers?|little ones?)\b"),
    _p("pregnancy", r"\bschool run\b|\bnursery (?:run|pick-?ups?|drop-?offs?|fees)\b|\bchildcare (?:arrangements?|"
       r"issues?|problems?|responsibilities|commitments|situation|cover)\b|\b(?:her|his|their|your) childcare\b"
       r"|\bdependants\b|\bcaring responsibilities\b|\b(?:mum|mom|mother|dad|father|parent) of\b"
       r"|\b(?:working|new|single) (?:mum|mom|mother|dad|father|parent)s?\b"),
    # --- race and ethnicity ---
    _p("race", r"\brac(?:e|es|ial|ially|ism|ist)\b|\bethnic(?:ity|ities|ally)?\b", names=True,
       before=r"\b(?:rat|arms|space|relay|horse|two-horse|boat) $",
       after=r"\s+(?:to|for|against|track|day|car|horse|condition)\b"),
    _p("race", r"\bcolou?r of (?:his|her|their|your) skin\b|\bskin (?:colou?r|tone)\b"),
    _p("race", r"\b(?:bame|bme|ethnic minorit(?:y|ies))\b"),
    _p("race", rf"\b{_ETHNIC}(?: \w+)? {_PERSON}\b"),
    _p("race", r"\b(?:cultural|ethnic|racial) (?:background|heritage|origins?)\b"
       r"|\b(?:her|his|their) (?:heritage|roots)\b"),
    _p("race nationality", r"\bwhere (?:(?:is|are|was|were|does|do|did) )?(?:she|he|they|you|the candidate)"
       r"(?:'s|'re| is| are| was| were)?\s+(?:(?:really|originally|actually) )?(?:(?:comes?|came) )?from\b"
       r"|\b(?:really|originally) from\b"),
    # --- religion ---
    _p("religion", r"\breligio(?:n|ns|us|usly)\b|\breligion or belief\b", names=True),
    _p("religion", r"\b(?:muslims?|islam(?:ic)?|jewish|jews?|hindus?|hinduism|buddhists?|buddhism|atheists?|"
       r"sikhism)\b"),
    _p("religion", r"\b(?:a|an|is|being|devout(?:ly)?|practi[sc]ing|observant|strict(?:ly)?|very|quite|born-again|good)"
       r" (?:christians?|catholics?|sikhs?|mormons?|jehovah's witness(?:es)?|evangelicals?)\b"
       r"|\b(?:christian|catholic|sikh) (?:faith|beliefs?|values|festivals?|holidays?|guy|lad|girl|wom[ae]n|m[ae]n|"
       r"candidate|family)\b|\b(?:her|his|their|your) (?:faith|religious beliefs)\b"),
    _p("religion", r"\bprayers?\b|\bprayer (?:room|times?|breaks?|mat)\b"),
    _p("religion", r"\b(?:ramadan|eid|diwali|passover|yom kippur|sabbath|shabbat|kosher|halal|hajj|vaisakhi|"
       r"gurdwara|mosque|synagogue|mandir)\b"),
    _p("religion", r"\b(?:hijab|head ?scar(?:f|ves)|turban|kippah|yarmulke|niqab|burq?a|burka|crucifix|kirpan)\b"),
    _p("religion", r"\b(?:go(?:es|ing)? to|attends?|attending|at|after|before|from|her|his|their) church\b"
       r"|\bchurch-?goers?\b"),
    # --- disability and health ---
    _p("disability", r"\bdisab(?:led|ility|ilities)\b|\bneuro-?(?:divers|diverg)\w*\b", names=True),
    _p("disability", r"\bwheelchairs?\b|\bcrutches\b|\bwalking stick\b|\bhearing aids?\b|\bguide dog\b"),
    _p("disability", r"\b(?:autis(?:m|tic)|asperger'?s|adhd|dyslexi(?:a|c)|dyspraxi(?:a|c)|dyscalculia|epilep(?:sy|tic)"
       r"|bipolar|schizophreni\w*|ptsd|ocd|stammer(?:s|ing)?|stutter(?:s|ing)?|tourette'?s|cerebral palsy"
       r"|multiple sclerosis|long covid|chronic (?:fatigue|pain|illness|condition)|fibromyalgia|deaf(?:ness)?"
       r"|hard of hearing|partially sighted|visually impaired)\b"),
    _p("disability", r"\b(?:has|had|have|having|with|suffers? from|suffering from|diagnosed with|recovering from|"
       r"treatment for|history of|her|his|their) (?:\w+ )?(?:cancer|depression|anxiety|diabetes|arthritis|"
       r"heart condition|bad back|back problems?|migraines|stroke|breakdown|burnout|illness|medication)\b"),
    _p("disability", r"\bmental health (?:issues?|problems?|conditions?|history|struggles?|difficulties|episodes?)\b"
       r"|\b(?:her|his|their|your) mental health\b|\b(?:medical|health) (?:conditions?|issues?|problems?|history)\b"),
    _p("disability", r"\boff sick\b|\bsick(?:ness)? (?:leave|record|absences?|days|notes?|history)\b"),
    _p("disability", r"\bable[- ]bodied\b|\bfit and healthy\b|\bphysically fit\b|\bgood (?:physical )?health\b"
       r"|\bclean bill of health\b", why="Asking for good health or an able body screens out disabled "
       "applicants; list the physical tasks of the job instead."),
    _p("disability", r"\b(?:is|was|registered|partially|legally|went) blind\b"
       r"|\bblind (?:candidate|person|m[ae]n|wom[ae]n|guy)\b"),
    # --- nationality and accent ---
    _p("nationality", r"\bnationalit(?:y|ies)\b|\bnational origins?\b", names=True),
    _p("nationality", r"\baccents?\b"),
    _p("nationality", r"\bnative(?:[- ]level)?(?: \w+)? (?:speakers?|speaking|tongue)\b|\bnative english\b"
       r"|\bmother tongue\b|\bfirst language\b", why="'Native speaker' is a proxy for national origin; state "
       "the language level the job needs, such as 'fluent written English'."),
    _p("nationality", r"\b(?:foreigners?|immigrants?|migrants?|expats?|non-?brits?|eastern europeans?)\b"
       r"|\bnot from (?:round |around )?here\b"),
    _p("nationality", rf"\b{_NATIONAL}(?: \w+)? {_PERSON}\b"
       r"|\b(?:british|english|uk|eu)[- ](?:born|nationals?|citizens?|passport holders?)\b"),
    # --- sex and gender ---
    _p("sex", r"\b(?:gender|sex)\b", names=True, after=r"[- ](?:neutral|pay gap)\b"),
    _p("sex", r"\b(?:fe)?males?\b"),
    _p("sex", r"\b(?:blokes?|lads?|girls|ladies|boys|gents)\b"),
    _p("sex", r"\b(?:as|for|prefer(?:s|red)?|want(?:s|ed)?|need(?:s|ed)?|looking for|hire|hiring|report(?:ing)? to|"
       r"rather have|(?:she|he)(?:'s| is)) (?:a|an|another) (?:\w+ )?"
       r"(?:wom[ae]n|m[ae]n|girl|lady|guy|chap|fella|gent)\b"),
    _p("sex", r"\b(?:sales|fore|chair|handy|trades|work|crafts|draughts|warehouse|delivery|camera|repair|middle|spokes|"
       r"business|police|fire|post|bar)m[ae]n\b|\b(?:waitress|barmaid|stewardess|headmaster|headmistress|manageress|"
       r"air hostess|salesgirl|manpower|man-?hours?)\b",
       why="A gendered job title tells half the applicants the job is not for them; use a neutral title "
           "('salesperson', 'site supervisor')."),
    _p("sex", r"\btransgender\b|\btrans (?:wom[ae]n|m[ae]n|person|people|candidate)\b|\bnon-?binary\b"
       r"|\bgender (?:reassignment|identity)\b", names=True),
    _p("sex", r"\btransition(?:ing|ed)\b", after=r"\s+(?:to|into|from|out|away|across|over|between|back)\b"),
    # --- sexual orientation ---
    _p("sexual_orientation", r"\bsexual orientation\b|\bsexuality\b|\blgbt\w*\+?", names=True),
    _p("sexual_orientation", r"\b(?:gay|lesbians?|bi-?sexual|homosexual|queer|same-sex)\b"),
    _p("sexual_orientation", r"\b(?:a bit|bit|quite|very|rather|too|so) camp\b"),
    _p("sexual_orientation", r"\b(?:his (?:boyfriend|husband)|her (?:girlfriend|wife))\b"
       r"|\b(?:husband|boyfriend) or (?:a )?(?:wife|girlfriend)\b"
       r"|\b(?:wife|girlfriend) or (?:a )?(?:husband|boyfriend)\b"),
    # --- marital status ---
    _p("marital_status", r"\bmarital status\b|\bmarri(?:ed|age)\b|\bcivil partner(?:ship)?s?\b", names=True),
    _p("marital_status", r"\b(?:husbands?|wife|wives|spouses?|fianc[ée]e?s?|divorc(?:e|ed|ee|ing)|widow(?:ed|er)?"
       r"|wedding|honeymoon|engaged to|getting engaged|settl(?:e|ing) down)\b"
       r"|\bsingle (?:mum|mom|mother|dad|father|parent)s?\b|\b(?:her|his|their) (?:partner|other half|better half)\b"),
    _p("marital_status", r"\b(?:is|she's|he's|still|being) single\b",
       after=r"[- ](?:point|source|site|handed|sign|digit|figure)"),
)


def _stems(words: tuple[str, ...]) -> re.Pattern[str]:
    """A starred stem covers every word starting with it; an unstarred word only itself."""
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) + r"\b"
             for w in sorted(words, key=len, reverse=True)]
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)


# The appendix word lists as published, stars included; spelling variants follow each list.
MASCULINE_WORDS = (
    "active", "adventurous", "aggress*", "ambitio*", "analy*", "assert*", "athlet*", "autonom*", "boast*",
    "challeng*", "compet*", "confident", "courag*", "decide", "decisive", "decision*", "determin*", "dominant",
    "domina*", "force*", "greedy", "headstrong", "hierarch*", "hostil*", "impulsive", "independen*",
    "individual*", "intellect*", "lead*", "logic", "masculine", "objective", "opinion", "outspoken", "persist",
    "principle*", "reckless", "stubborn", "superior", "self-confiden*", "self-relian*", "self-sufficien*",
) + ("head-strong", "selfconfiden*", "selfrelian*", "selfsufficien*")
FEMININE_WORDS = (
    "affectionate", "child*", "cheer*", "commit*", "communal", "compassion*", "connect*", "considerate",
    "cooperat*", "depend*", "emotiona*", "empath*", "feminine", "flatterable", "gentle", "honest",
    "interpersonal", "interdependen*", "interpersona*", "kind", "kinship", "loyal*", "modesty", "nag",
    "nurtur*", "pleasant*", "polite", "quiet*", "respon*", "sensitiv*", "submissive", "support*", "sympath*",
    "tender*", "together*", "trust*", "understand*", "warm*", "whin*", "yield*",
) + ("co-operat*", "inter-personal", "inter-dependen*")
MASCULINE_CODED = _stems(MASCULINE_WORDS)
FEMININE_CODED = _stems(FEMININE_WORDS)

# Senses of listed words that are not the trait the lists mean.
NOT_CODED = re.compile(
    r"\bkinds? of\b|\b(?:this|that|what|any|some|the same) kind\b|\bdepend(?:s|ing|ent)? (?:up)?on\b"
    r"|\bdependenc(?:y|ies)\b|\bactive directory\b|\b(?:air|police|task|labour|sales) force\b"
    r"|\bcompeten(?:t|ce|ces|cy|cies)\b|\bunderstanding of\b|\btogether with\b|\blead (?:generation|gen|times?)\b",
    re.IGNORECASE,
)

# Wording of an equal-opportunity or inclusion statement, which names the categories on purpose.
POLICY_STATEMENT = re.compile(
    r"equal opportunit|regardless of|irrespective of|without regard to|disability confident|reasonable adjustments"
    r"|(?:welcome|encourage) applications|applications are welcome|under-?represented|diversity|inclusion"
    r"|inclusive (?:employer|workplace|culture)|employee (?:resource|network) groups?|staff networks?",
    re.IGNORECASE,
)
