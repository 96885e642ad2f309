{{ lineage_pkg.union_like('main', 'raw_%') }}
