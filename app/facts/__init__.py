"""What every kind of fact shares: its declaration (FactKind), rendering helpers, the documents it is served from."""
