"""One module per screen; each is imported only when the screen is first opened."""
