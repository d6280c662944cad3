# Format specifications in each style: conversions, widths, precision, alignment,
# asctime without datefmt in { and $ styles.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "pct": {"format": "%(levelno)+d|%(levelno)x|%(levelno)o|%(levelno)5.1f|%(name)10.3s|%(message)-22s|%(levelname)r|%(levelno)i|%(levelno)e"},
        "brace": {"format": "{levelname!r}|{message!s:^30}|{levelno:#x}|{levelno:>+6}|{name:.4}|{levelno:08.3f}|{asctime}", "style": "{"},
        "dollar": {"format": "$levelname$message|${name}x|$$|$asctime", "style": "$"},
    },
    "handlers": {
        "pct": {"class": "logging.FileHandler", "filename": "pct.log", "formatter": "pct"},
        "brace": {"class": "logging.FileHandler", "filename": "brace.log", "formatter": "brace"},
        "dollar": {"class": "logging.FileHandler", "filename": "dollar.log", "formatter": "dollar"},
    },
    "loggers": {"svc.api": {"handlers": ["pct", "brace", "dollar"], "level": "DEBUG"}},
}
