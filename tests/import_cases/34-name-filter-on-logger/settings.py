# logging.Filter by name on a logger and on a handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "only_billing": {"name": "billing"},
        "only_api": {"()": "logging.Filter", "name": "billing.api"},
    },
    "formatters": {"f": {"format": "%(name)s %(levelname)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "f", "filters": ["only_api"]},
        "file": {"class": "logging.FileHandler", "filename": "billing.log", "formatter": "f"},
    },
    "loggers": {
        "billing": {"handlers": ["file", "console"], "level": "INFO", "filters": ["only_billing"]},
        "billing.api": {"level": "DEBUG"},
    },
}
