"""Frontline's web app, HTTP API and command line: thin layers over :mod:`geo`."""
