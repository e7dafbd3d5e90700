"""The chat feature. For now it holds only its settings (``settings.py``); the chat itself
(channels, chats, availability, presence) builds on them."""
