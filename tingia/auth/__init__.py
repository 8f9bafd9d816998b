"""Staff authentication: passwords (argon2id), sessions, API tokens, roles."""
