"""Pure helpers over parsed HTML and plain text, shared by the extraction stage and the integrity passes:
a text's language (language.py). No Django, and nothing of ours but `newsdesk.core`.
"""
