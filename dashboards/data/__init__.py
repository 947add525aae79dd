"""Every figure a page shows, read from the serving file and scoped to the viewer.

- `serving`: which publication is current, the read-only reader, and `figures`, the one decorator that
  makes a query entitled, cached, and keyed by the publication.
- `lead`, `facilitator`, `member`: the queries of each role's pages.
- `published`: any published table, for any role its declaration (warehouse/*/<table>.sql, `readers`)
  lets read it: how a new figure reaches a page without a new query here.
- `viewers`: the look-ups that work out a viewer's roles.

Figures are computed in the warehouse; here SQL only selects, filters, joins and orders.
"""
