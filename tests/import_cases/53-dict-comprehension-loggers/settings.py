# Noisy third-party loggers quietened with a dict comprehension (a common idiom).
NOISY = ("urllib3", "botocore", "django.db.backends")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "f"}},
    "loggers": {name: {"level": "ERROR"} for name in NOISY},
    "root": {"handlers": ["console"], "level": "DEBUG"},
}
