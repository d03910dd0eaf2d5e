"""Pure helpers over parsed HTML and plain text, shared by the extraction stage and the integrity passes.

- language.py: a text's language, and the one a page declares;
- region.py: the container holding most of a page's long-paragraph text (where the article is);
- hidden.py: whether inline CSS or the `hidden` attribute hides an element from the reader, and why.

No Django, and nothing of ours but `newsdesk.core`.
"""
