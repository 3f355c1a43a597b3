"""Application services: the work behind pages and commands, one module a job."""
