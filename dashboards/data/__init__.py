"""The serving file as the pages read it (`serving`): which publication is current, the read-only reader,
and `ask`, which runs a query of `warehouse.queries` for a viewer as its declaration allows, cached and
keyed by the publication. Every figure a page shows is read that way: the queries themselves, and what
they read, are in `warehouse/queries/`, shared with the emails."""
