# A format with a stray %: Python refuses it (ValueError at dictConfig), and the import
# exits 1 with the error written into the file.
LOGGING = {
    "version": 1,
    "formatters": {"bad": {"format": "%(levelname)s 100% done %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "bad"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
