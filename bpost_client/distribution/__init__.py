"""Use case 2: investment-trust distribution data. ``standard`` holds the open standard and
its format adapters (no chain); beside it NAVs, notices, Merkle trees, subscriptions,
publication, the feed and the watcher."""
