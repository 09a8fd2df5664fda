"""Frontline's domain logic: events, territory, regions and figures.

Nothing in this package imports dash or plotly; everything here is testable without a
server or a browser.
"""
