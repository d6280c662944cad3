# disable_existing_loggers left at Python's default (True), several loggers.
LOGGING = {
    "version": 1,
    "formatters": {"f": {"format": "%(levelname)s:%(name)s:%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "f", "stream": "ext://sys.stdout"}},
    "loggers": {
        "api": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "api.v1": {"level": "DEBUG"},
        "jobs": {"level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
