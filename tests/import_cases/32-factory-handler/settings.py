# A handler built through "()" with keyword arguments, and ext:// for the class.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s|%(name)s|%(message)s"}},
    "handlers": {
        "out": {"()": "ext://logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "f"},
    },
    "root": {"handlers": ["out"], "level": "DEBUG"},
}
