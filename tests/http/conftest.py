"""The ``server`` fixture (a real ``frontline serve`` on a free port) lives in
``tests/conftest.py`` since the property and security tests use the same server."""
