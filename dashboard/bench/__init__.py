"""``frontline bench``: GENERATED events at 100k–10M, the real server against a naive Dash app."""
