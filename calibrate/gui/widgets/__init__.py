"""Reusable widgets: video view and player controls, answer form, Markdown view, charts."""
