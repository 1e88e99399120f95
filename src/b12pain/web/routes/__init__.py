"""One module per area; each has a module-level `router` that `app.ROUTERS` includes."""
