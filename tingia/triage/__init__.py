"""Staff workflow: the queue, the case page and the case state machine."""
