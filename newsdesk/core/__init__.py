"""Small shared helpers. Imports nothing else of ours."""
