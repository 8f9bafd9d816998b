"""Background jobs: the queue and its connection (queue.py), the outbox that makes enqueueing
reliable (outbox.py), the task functions and their enqueue helpers (tasks.py), and the worker's
run loop with its periodic jobs (worker.py).

This package sits above the features whose work it runs (matching, ...): features never import
it; views and commands enqueue through it after they commit.
"""
