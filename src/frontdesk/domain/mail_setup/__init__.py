"""Queue mail set-up: the system e-mail addresses a queue writes from, salutations, signatures,
answer templates and automatic responses, and the placeholders their texts may hold."""
