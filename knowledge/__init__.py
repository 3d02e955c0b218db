"""The recruiting playbook: markdown entries, shipped as package data and ingested into Chroma."""
