package match

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PGOptions are the settings of OpenPG.
type PGOptions struct {
	// Key, if not nil, seals every record with AES-256-GCM, as
	// BoltOptions.Key: KeySize bytes; a table is sealed or not from its
	// creation on.
	Key []byte
	// Table is the name of the table of templates: lower-case letters,
	// digits and underscores, at most 48 bytes, not starting with a digit.
	// Empty means "palmid_templates". The table's notification channel and
	// its companion objects (<table>_meta, <table>_notify) are named after
	// it. One table per shard is one way to shard a gallery: see the
	// package documentation.
	Table string
}

// PGStore is a Store in a PostgreSQL table, for galleries shared by many
// nodes. Each identity is one row, (id text primary key, record bytea),
// the record checksummed and sealed as in every Store. Every Put and Delete
// is one autocommitted statement, acknowledged once PostgreSQL has
// committed it (durable with the server's default synchronous_commit);
// PostgreSQL's replication is what keeps the table through the loss of a
// machine.
//
// A trigger on the table notifies the channel named after the table with
// the id of every row inserted, updated or deleted, whoever the writer, so
// PGStore is a Follower: a SyncedGallery on each node keeps its index in
// step with the table. TRUNCATE notifies nothing.
//
// OpenPG creates the table, its trigger and its meta table if they are
// missing.
type PGStore struct {
	pool  *pgxpool.Pool
	seal  *sealer
	table string // the bare name; quoted in sql below
	sql   pgSQL
}

type pgSQL struct {
	put, get, del, load, count, listen string
}

var pgTableName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,47}$`)

// OpenPG connects to the PostgreSQL server of dsn (a URL or key=value
// string, as pgx reads it) and opens the table of opts, creating it if it
// is missing. A nil opts means the zero PGOptions.
func OpenPG(ctx context.Context, dsn string, opts *PGOptions) (*PGStore, error) {
	var o PGOptions
	if opts != nil {
		o = *opts
	}
	if o.Table == "" {
		o.Table = "palmid_templates"
	}
	if !pgTableName.MatchString(o.Table) {
		return nil, fmt.Errorf("match: invalid table name %q", o.Table)
	}
	seal, err := newSealer(o.Key)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("match: connecting to PostgreSQL: %w", err)
	}
	s := &PGStore{pool: pool, seal: seal, table: o.Table}
	t := pgx.Identifier{o.Table}.Sanitize()
	s.sql = pgSQL{
		put:    `INSERT INTO ` + t + ` (id, record) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record`,
		get:    `SELECT record FROM ` + t + ` WHERE id = $1`,
		del:    `DELETE FROM ` + t + ` WHERE id = $1`,
		load:   `SELECT id, record FROM ` + t,
		count:  `SELECT reltuples::bigint FROM pg_class WHERE oid = '` + t + `'::regclass`,
		listen: `LISTEN ` + t,
	}
	if err := s.createSchema(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("match: opening table %s: %w", o.Table, err)
	}
	return s, nil
}

// createSchema creates what is missing and checks the key, under an
// advisory lock so that nodes starting together do not race.
func (s *PGStore) createSchema(ctx context.Context) error {
	t := pgx.Identifier{s.table}.Sanitize()
	meta := pgx.Identifier{s.table + "_meta"}.Sanitize()
	fn := pgx.Identifier{s.table + "_notify"}.Sanitize()
	kc, err := s.seal.keyCheck()
	if err != nil {
		return err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	stmts := []string{
		`SELECT pg_advisory_xact_lock(hashtext('palmid/match ' || $1))`,
		`CREATE TABLE IF NOT EXISTS ` + t + ` (id text PRIMARY KEY, record bytea NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS ` + meta + ` (name text PRIMARY KEY, value bytea NOT NULL)`,
		`CREATE OR REPLACE FUNCTION ` + fn + `() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM pg_notify(` + quoteLiteral(s.table) + `, OLD.id);
	ELSE
		PERFORM pg_notify(` + quoteLiteral(s.table) + `, NEW.id);
	END IF;
	RETURN NULL;
END
$f$`,
		`CREATE OR REPLACE TRIGGER ` + fn + ` AFTER INSERT OR UPDATE OR DELETE ON ` + t +
			` FOR EACH ROW EXECUTE FUNCTION ` + fn + `()`,
		`INSERT INTO ` + meta + ` (name, value) VALUES ('key check', $1) ON CONFLICT (name) DO NOTHING`,
	}
	args := [][]any{{s.table}, nil, nil, nil, nil, {kc}}
	for i, q := range stmts {
		if _, err := tx.Exec(ctx, q, args[i]...); err != nil {
			return err
		}
	}
	var stored []byte
	if err := tx.QueryRow(ctx, `SELECT value FROM `+meta+` WHERE name = 'key check'`).Scan(&stored); err != nil {
		return err
	}
	if err := s.seal.verifyKeyCheck(stored); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// quoteLiteral quotes a table name, already checked against pgTableName,
// as an SQL string literal.
func quoteLiteral(s string) string { return "'" + s + "'" }

// Put stores templates under id in place of any it had: one upsert.
func (s *PGStore) Put(ctx context.Context, id string, templates ...*Template) error {
	checkTemplates(templates)
	if err := checkID(id); err != nil {
		return err
	}
	rec, err := s.seal.encodeRecord(id, templates)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, s.sql.put, id, rec)
	return err
}

// Get returns the templates of id.
func (s *PGStore) Get(ctx context.Context, id string) ([]*Template, error) {
	var rec []byte
	if err := s.pool.QueryRow(ctx, s.sql.get, id).Scan(&rec); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
		}
		return nil, err
	}
	return s.seal.decodeRecord(id, rec)
}

// Delete removes id.
func (s *PGStore) Delete(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, s.sql.del, id)
	return err
}

// Load calls fn for every identity, streaming one query's snapshot.
// Records are decoded on all cores.
func (s *PGStore) Load(ctx context.Context, fn func(id string, templates []*Template) error) error {
	rows, err := s.pool.Query(ctx, s.sql.load)
	if err != nil {
		return err
	}
	defer rows.Close()
	return s.seal.decodeAll(func(emit func(string, []byte) bool) error {
		for rows.Next() {
			var id string
			var rec []byte // Scan copies the bytes: rec outlives the row
			if err := rows.Scan(&id, &rec); err != nil {
				return err
			}
			if !emit(id, rec) {
				break
			}
		}
		return rows.Err()
	}, fn)
}

// count returns PostgreSQL's estimate of the number of rows, which
// OpenGallery uses to size its index; 0 when the table was never analysed.
func (s *PGStore) count(ctx context.Context) (int, error) {
	var n int64
	err := s.pool.QueryRow(ctx, s.sql.count).Scan(&n)
	return int(max(n, 0)), err
}

// Follow listens on the table's channel on a connection of its own. It
// returns when that connection fails, when ready or changed return an
// error, or when ctx ends; SyncedGallery calls it again after a pause.
func (s *PGStore) Follow(ctx context.Context, ready func(ctx context.Context) error, changed func(id string) error) error {
	cfg := s.pool.Config().ConnConfig.Copy()
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = make(map[string]string)
	}
	cfg.RuntimeParams["application_name"] = "palmid follow " + s.table
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("match: following %s: %w", s.table, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, s.sql.listen); err != nil {
		return fmt.Errorf("match: following %s: %w", s.table, err)
	}
	if err := ready(ctx); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("match: following %s: %w", s.table, err)
		}
		if err := changed(n.Payload); err != nil {
			return err
		}
	}
}

// Close closes the store's connections.
func (s *PGStore) Close() error {
	s.pool.Close()
	return nil
}

var _ Follower = (*PGStore)(nil)
