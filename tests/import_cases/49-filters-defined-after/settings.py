# Filters named before they are defined, on the root and on a handler; a filter list
# on the root (Python applies it to records logged to the root itself only).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "DEBUG", "handlers": ["console"], "filters": ["only_app"]},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["not_db"], "formatter": "f", "stream": "ext://sys.stdout"},
    },
    "formatters": {"f": {"format": "%(name)s %(levelname)s %(message)s"}},
    "loggers": {"app": {"level": "INFO"}, "app.db": {"level": "DEBUG"}},
    "filters": {
        "only_app": {"name": "app"},
        "not_db": {"()": "logging.Filter", "name": "app.db"},
    },
}
