"""Keeping the data current: the front lines and events from their sources
(:mod:`geo.updates.territory`, :mod:`geo.updates.events`), what each source last did
(:mod:`geo.updates.state`), and the lock that lets exactly one updater run at a time
(:mod:`geo.updates.lock`)."""
