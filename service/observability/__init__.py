"""Operability: Prometheus metrics, structured logs with request ids, and the worker's own metrics endpoint."""
