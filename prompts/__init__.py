"""The prompts: one Jinja2 template per prompt, shipped as package data."""
