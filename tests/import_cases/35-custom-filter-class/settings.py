# The project's own filter class (it passes every record here; the Rust side registers
# its counterpart), on a handler and on a logger.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "myapp.filters.RequestIdFilter"}},
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "f", "filters": ["request_id"]}},
    "loggers": {"app": {"handlers": ["console"], "level": "INFO", "filters": ["request_id"], "propagate": False}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
