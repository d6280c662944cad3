# None where a value may be left out: Python treats it as absent.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(message)s", "datefmt": None}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": None,
            "formatter": None,
        },
        "file": {"class": "logging.FileHandler", "filename": "n.log", "formatter": "f", "level": None},
    },
    "loggers": {
        "svc": {"handlers": ["file"], "level": None, "propagate": None},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
