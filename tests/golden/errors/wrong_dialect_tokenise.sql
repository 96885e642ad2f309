-- dialect:
select e'it\'s' as note, a from app.t;
select b from app.u;
