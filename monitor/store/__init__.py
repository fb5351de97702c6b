"""The store: the only package that knows tables and sessions. Its functions take a Session
(from `db.transaction`) and return the frozen types of `monitor.model`."""
