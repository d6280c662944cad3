# The root logger configured as loggers[""].
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(name)s - %(levelname)s - %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "f"}},
    "loggers": {
        "": {"handlers": ["console"], "level": "DEBUG"},
        "noisy.lib": {"level": "ERROR"},
    },
}
