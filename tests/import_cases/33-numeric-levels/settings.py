# Levels as numbers, including ones between the named levels.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelno)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "f", "level": 25},
        "file": {"class": "logging.FileHandler", "filename": "levels.log", "formatter": "f", "level": 15},
    },
    "loggers": {"svc": {"handlers": ["file"], "level": 11}},
    "root": {"handlers": ["console"], "level": 20},
}
