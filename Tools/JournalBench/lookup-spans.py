#!/usr/bin/env python3
# What a lookup copy costs per event, and what "one person's last 50" costs, by index layout, on a synthetic lookup
# of N events (100 000 people and cards, 1400 doors): layout A keys the person, card, door and zone indexes by
# (id, seq), layout B by (seq >> SH, id, seq), as the journal does (JournalLookup.spanShift). Chunks of 1024 events,
# WAL + synchronous FULL, each copy its own statement.
# usage: SH=16 python3 Tools/JournalBench/lookup-spans.py 2000000 A B    (writes /tmp/bk-A.sqlite, /tmp/bk-B.sqlite)
import os, random, sqlite3, sys, time
N = int(sys.argv[1]); CH = 1024; TOTAL = 65536; SH = int(os.environ.get("SH", "16"))
random.seed(1)
def build(path, layout):
    if os.path.exists(path): os.remove(path)
    for e in ("-wal","-shm"):
        if os.path.exists(path+e): os.remove(path+e)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE src(seq INTEGER PRIMARY KEY, type TEXT NOT NULL, door_id TEXT, zone_id TEXT, person_id TEXT, card_id TEXT, decision TEXT, reason TEXT) STRICT")
    db.execute("CREATE TABLE journal_lookup(seq INTEGER PRIMARY KEY CHECK (seq >= 1), type TEXT NOT NULL, door_id TEXT, zone_id TEXT, person_id TEXT, card_id TEXT, decision TEXT, reason TEXT) STRICT")
    rnd = random.Random(7)
    def rows():
        for s in range(1, N + TOTAL + 1):
            p = rnd.randrange(100000); d = rnd.randrange(1400)
            yield (s, "access_decision", f"d{d:05d}", f"z{d%60:03d}", f"p{p:06d}", f"c{p:06d}", "grant", "granted")
    db.execute("BEGIN"); db.executemany("INSERT INTO src VALUES (?,?,?,?,?,?,?,?)", rows()); db.execute("COMMIT")
    db.execute(f"INSERT INTO journal_lookup SELECT * FROM src WHERE seq <= {N}")
    if layout == "A":
        for c in ("person_id","card_id","door_id","zone_id","reason"):
            db.execute(f"CREATE INDEX l_{c} ON journal_lookup({c}, seq) WHERE {c} IS NOT NULL")
    else:
        for c in ("person_id","card_id","door_id","zone_id"):
            db.execute(f"CREATE INDEX l_{c} ON journal_lookup(seq >> {SH}, {c}, seq) WHERE {c} IS NOT NULL")
        db.execute("CREATE INDEX l_reason ON journal_lookup(reason, seq) WHERE reason IS NOT NULL")
    db.execute("CREATE INDEX l_type ON journal_lookup(type, seq)")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db
for layout in sys.argv[2:]:
    db = build(f"/tmp/bk-{layout}.sqlite", layout)
    sql = "INSERT INTO journal_lookup SELECT * FROM src WHERE seq > (SELECT coalesce(max(seq),0) FROM journal_lookup) ORDER BY seq LIMIT ?"
    t0 = time.process_time(); w0 = time.time()
    for _ in range(TOTAL // CH): db.execute(sql, (CH,))
    t1 = time.process_time(); w1 = time.time()
    print(f"N={N} layout {layout}: {(t1-t0)/TOTAL*1e6:.1f} us CPU/event, {(w1-w0)/TOTAL*1e6:.1f} us wall/event", flush=True)
    # query: person's last 50
    q = time.time(); 
    for i in range(200):
        p = f"p{random.randrange(100000):06d}"
        if layout == "A":
            db.execute("SELECT seq FROM journal_lookup WHERE person_id=? ORDER BY seq DESC LIMIT 50", (p,)).fetchall()
        else:
            got = []; b = (N + TOTAL) >> SH
            while b >= 0 and len(got) < 50:
                got += db.execute(f"SELECT seq FROM journal_lookup WHERE (seq >> {SH}) = ? AND person_id=? ORDER BY seq DESC LIMIT ?", (b, p, 50 - len(got))).fetchall(); b -= 1
    print(f"   person last 50: {(time.time()-q)/200*1e3:.2f} ms avg", flush=True)
