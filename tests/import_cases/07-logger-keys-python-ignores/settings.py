# Keys dictConfig does not read on a logger or the root.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s:%(name)s:%(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "f"}},
    "loggers": {
        "app": {
            "handlers": ["console"],
            "level": "DEBUG",
            "class": "logging.Logger",
            "formatter": "f",
            "formatters": ["f"],
            "format": "%(message)s",
            "disabled": True,
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": "ERROR", "propagate": True},
}
