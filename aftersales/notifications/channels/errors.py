class DeliveryError(Exception):
    """Sending failed; the outbox tries again later."""


class PermanentError(DeliveryError):
    """Sending cannot succeed as things are (no address, robot removed): the message is dead
    at once, for an administrator to look at and retry."""
