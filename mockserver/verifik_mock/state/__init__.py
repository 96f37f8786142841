"""The state layer: tenants, their records and indexes, the clock and random they write with,
and the turn, one request's unit of work on one tenant. It knows nothing of HTTP: the
routes call ``Store.run`` with a synchronous action, and an engine (memory, or a SQLite
state file) keeps what each turn changed. Imports run one way: models, then state, then
domain, then http."""
