"""A project's own handler classes, as real projects define them: subclasses of the
standard ones with an extra rule or two, and one that posts to a chat webhook."""
import logging
import logging.handlers


class SizedTimedRotatingFileHandler(logging.handlers.TimedRotatingFileHandler):
    """Rolls over at midnight, and also when the file reaches maxBytes."""

    def __init__(self, filename, maxBytes=0, backupCount=0, encoding=None, delay=False,
                 when="h", interval=1, utc=False):
        super().__init__(filename, when, interval, backupCount, encoding, delay, utc)
        self.maxBytes = maxBytes


class DailyTimedRotatingFileHandler(logging.handlers.TimedRotatingFileHandler):
    """A day per file, named with the date first."""

    def __init__(self, filename, when="midnight", backupCount=30, **kwargs):
        super().__init__(filename, when=when, backupCount=backupCount, **kwargs)
        self.namer = lambda name: name


class MakedirsFileHandler(logging.FileHandler):
    """Creates the log's folder first."""

    def __init__(self, filename, mode="a", encoding=None, delay=False):
        super().__init__(filename, mode, encoding, delay)


class CompressingRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Gzips each backup."""

    def __init__(self, filename, maxBytes=0, backupCount=0, compress=True, **kwargs):
        super().__init__(filename, maxBytes=maxBytes, backupCount=backupCount, **kwargs)
        self.compress = compress


class TaggedStreamHandler(logging.StreamHandler):
    """Prefixes nothing here; projects use such subclasses for colours."""

    def __init__(self, stream=None, tag=""):
        super().__init__(stream)
        self.tag = tag


class ChatWebhookHandler(logging.Handler):
    """Posts each record to a chat room (here: drops it; the test has no network)."""

    def __init__(self, webhook_url, channel=None):
        super().__init__()
        self.webhook_url = webhook_url

    def emit(self, record):
        pass
