package hub

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Role is what a user of the operator's page may do.
type Role string

const (
	// RoleAdmin sees the fleet and adds and revokes kiosks.
	RoleAdmin Role = "admin"
	// RoleAuthority, the health authority, sees the fleet and the counts,
	// read-only.
	RoleAuthority Role = "authority"
)

// Roles lists the roles, for messages.
func Roles() []Role { return []Role{RoleAdmin, RoleAuthority} }

// User is a person who logs in to the operator's page. The store keeps
// their password only as an argon2id hash.
type User struct {
	Name  string    `json:"name"`
	Role  Role      `json:"role"`
	Added time.Time `json:"added"`
}

// UserStore keeps the users of the operator's page and their sessions.
// Sessions live in the store, not in a replica's memory: a session made
// through one replica works on every other.
type UserStore interface {
	// AddUser adds a user with a role and a password (hashed with
	// HashPassword). ErrInvalid for a bad name, role or password (see
	// CheckUser), ErrExists when the name is taken.
	AddUser(ctx context.Context, name string, role Role, password string) error
	// Users lists the users by name.
	Users(ctx context.Context) ([]User, error)
	// RemoveUser removes a user and ends their sessions. ErrNotFound when
	// there is no such user.
	RemoveUser(ctx context.Context, name string) error
	// CheckPassword returns the user if the password is theirs, else
	// ErrUnauthorized; an unknown name costs the same time as a wrong
	// password, so the answer's time does not tell which names exist.
	CheckPassword(ctx context.Context, name, password string) (User, error)

	// NewSession starts a session of the user that lasts until expires
	// (kept to the microsecond) and returns its token (32 random bytes, base64url), which the store keeps
	// only as a SHA-256 (TokenSum). ErrNotFound when there is no such user.
	NewSession(ctx context.Context, name string, expires time.Time) (token string, err error)
	// Session returns the user of a session and when it expires;
	// ErrUnauthorized for an unknown, ended or expired session (by the
	// store's clock) and for a removed user's.
	Session(ctx context.Context, token string) (User, time.Time, error)
	// EndSession ends a session; ending an unknown one does nothing.
	EndSession(ctx context.Context, token string) error
}

// Limits of a user.
const (
	MaxUserName    = 64
	MinPassword    = 10 // characters
	MaxPassword    = 1024
	sessionKeySize = 32
)

// CheckUser checks what AddUser is given: a name of printable characters
// without spaces (1 to MaxUserName bytes), a known role, and a password of
// MinPassword characters to MaxPassword bytes. Every store's AddUser starts
// with it.
func CheckUser(name string, role Role, password string) error {
	if err := checkName("user", name); err != nil {
		return err
	}
	if len(name) > MaxUserName {
		return fmt.Errorf("%w: user name must have at most %d bytes", ErrInvalid, MaxUserName)
	}
	if role != RoleAdmin && role != RoleAuthority {
		return fmt.Errorf("%w: role %q: want %s or %s", ErrInvalid, role, RoleAdmin, RoleAuthority)
	}
	if n := utf8.RuneCountInString(password); n < MinPassword || len(password) > MaxPassword {
		return fmt.Errorf("%w: a password must have %d characters to %d bytes", ErrInvalid, MinPassword, MaxPassword)
	}
	return nil
}

// argon2id parameters: OWASP's smallest recommended (19 MiB, 2 passes, 1
// lane), some 30 ms on a Raspberry Pi-class core, so that a login does not
// take a core of a 2-core hub for long. They are written into each hash, so
// raising them later leaves old hashes valid.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// HashPassword hashes a password with argon2id and a random salt, in the
// PHC string format ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
func HashPassword(password string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt) // never fails (crypto/rand)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether password is the one hash was made of,
// comparing in constant time. A hash that does not parse matches nothing.
func VerifyPassword(hash, password string) bool {
	p, ok := parseHash(hash)
	if !ok {
		// As costly as a real check, so a damaged record is not a timing tell.
		p = phc{time: argonTime, memory: argonMemory, threads: argonThreads, salt: make([]byte, argonSaltLen), key: nil}
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, argonKeyLen)
	return ok && len(p.key) == argonKeyLen && subtle.ConstantTimeCompare(key, p.key) == 1
}

// NoUserCheck costs what VerifyPassword does, and is false: what
// CheckPassword does for a name it does not know.
func NoUserCheck(password string) bool { return VerifyPassword("", password) }

type phc struct {
	time, memory uint32
	threads      uint8
	salt, key    []byte
}

// parseHash reads a hash of HashPassword. Parameters beyond what a hub
// would ever use (a store's record is not trusted blindly) do not parse.
func parseHash(s string) (phc, bool) {
	var p phc
	f := strings.Split(s, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, false
	}
	for _, kv := range strings.Split(f[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return p, false
		}
		switch k {
		case "m":
			p.memory = uint32(n)
		case "t":
			p.time = uint32(n)
		case "p":
			if n > 255 {
				return p, false
			}
			p.threads = uint8(n)
		default:
			return p, false
		}
	}
	if p.memory == 0 || p.time == 0 || p.threads == 0 || p.memory > 1<<20 || p.time > 16 {
		return p, false
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(f[4]); err != nil || len(p.salt) < 8 {
		return p, false
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(f[5]); err != nil {
		return p, false
	}
	return p, true
}

// NewSessionToken makes a session's token: 32 random bytes in base64url.
// A store keeps only TokenSum of it.
func NewSessionToken() (token string, sum [32]byte) {
	var raw [sessionKeySize]byte
	rand.Read(raw[:]) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(raw[:])
	return token, TokenSum(token)
}

// SessionTokenOK reports whether a token has the length of
// NewSessionToken's, so a store can refuse anything else before hashing.
func SessionTokenOK(token string) bool {
	return len(token) == base64.RawURLEncoding.EncodedLen(sessionKeySize)
}
