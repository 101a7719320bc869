package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"

	"github.com/passgate/passgate/certlogic"
	"github.com/passgate/passgate/internal/command"
)

const (
	// maxLine is the longest line --jsonl reads: a rule with the EU value
	// sets is some tens of kilobytes.
	maxLine = 16 << 20
	// maxResult is how many values a printed result may have: a rule's
	// reduce can share one array in a result exponentially often, and
	// printing it in full would not end.
	maxResult = 1 << 20
)

// certlogicEval evaluates a CertLogic expression on a data context and
// prints the result as JSON, dates as certlogic-js prints them; with
// --jsonl, each line of standard input, one output line for each.
//
// EXPR and DATA are each inline JSON, a file, or - for standard input:
// the process's, for env has none of its own (tests put a file there).
func (c *cli) certlogicEval(fs *flag.FlagSet, args []string) error {
	jsonl := fs.Bool("jsonl", false, c.cat.T("passctl.certlogic.flag_jsonl"))
	if err := command.Parse(c.cat, fs, args, 2); err != nil {
		return err
	}
	switch {
	case *jsonl && fs.NArg() > 0:
		return command.UsageError(c.cat, fs, c.cat.T("passctl.certlogic.jsonl_args"))
	case *jsonl:
		return c.evalLines(os.Stdin)
	case fs.NArg() != 2:
		return command.UsageError(c.cat, fs, c.cat.T("passctl.certlogic.need_args"))
	case fs.Arg(0) == "-" && fs.Arg(1) == "-":
		return command.UsageError(c.cat, fs, c.cat.T("passctl.certlogic.two_stdin"))
	}
	expr, err := c.readValue("EXPR", fs.Arg(0), os.Stdin)
	if err != nil {
		return err
	}
	data, err := c.readValue("DATA", fs.Arg(1), os.Stdin)
	if err != nil {
		return err
	}
	v, err := certlogic.Eval(expr, data)
	if err != nil {
		return err
	}
	b, err := c.encodeResult(v)
	if err != nil {
		return err
	}
	_, err = c.stdout.Write(b)
	return err
}

// readValue reads the JSON value an argument gives: inline when it is
// JSON, else the file it names, or standard input for -.
func (c *cli) readValue(name, arg string, stdin io.Reader) (any, error) {
	var b []byte
	var err error
	switch {
	case arg == "-":
		if b, err = io.ReadAll(stdin); err != nil {
			return nil, command.Errorf(c.cat, "passctl.certlogic.read_stdin", name, err)
		}
	case json.Valid([]byte(arg)):
		b = []byte(arg)
	default:
		if b, err = os.ReadFile(arg); err != nil {
			return nil, command.Errorf(c.cat, "passctl.certlogic.read", name, arg, err)
		}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, command.Errorf(c.cat, "passctl.certlogic.not_json", name, err)
	}
	return v, nil
}

// encodeResult is v as one line of JSON, as JSON.stringify writes it (no
// HTML escapes), unless it is too large to print.
func (c *cli) encodeResult(v any) ([]byte, error) {
	budget := maxResult
	if !fits(v, &budget) {
		return nil, command.Errorf(c.cat, "passctl.certlogic.too_large", maxResult)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fits reports whether v has at most budget values, counting shared ones
// each time they appear, as JSON would print them.
func fits(v any, budget *int) bool {
	if *budget--; *budget < 0 {
		return false
	}
	switch x := v.(type) {
	case []any:
		for _, it := range x {
			if !fits(it, budget) {
				return false
			}
		}
	case map[string]any:
		for _, it := range x {
			if !fits(it, budget) {
				return false
			}
		}
	}
	return true
}

// evalLines reads lines {"expr": …, "data": …} and writes for each one line
// {"result": …} or {"error": "…"}, in order: a bad line, even an empty one,
// gets an error line, so output line n answers input line n.
func (c *cli) evalLines(stdin io.Reader) error {
	r := bufio.NewReaderSize(stdin, 64<<10)
	var cache lastExpr
	for {
		line, long, err := readLine(r)
		if err != nil && !errors.Is(err, io.EOF) {
			return command.Errorf(c.cat, "passctl.certlogic.read_lines", err)
		}
		if errors.Is(err, io.EOF) && len(line) == 0 && !long {
			return nil
		}
		var in struct {
			Expr json.RawMessage `json:"expr"`
			Data any             `json:"data"`
		}
		var out []byte
		if long {
			out = errorLine(c.cat.T("passctl.certlogic.line_too_long", maxLine))
		} else if jerr := json.Unmarshal(line, &in); jerr != nil {
			var te *json.UnmarshalTypeError
			if errors.As(jerr, &te) && te.Field == "" {
				jerr = errors.New(te.Value) // "array", not Go's name of the struct
			}
			out = errorLine(c.cat.T("passctl.certlogic.line_not_json", jerr))
		} else {
			e, cerr := cache.compile(in.Expr)
			out = c.answer(e, cerr, in.Data)
		}
		if _, err := c.stdout.Write(out); err != nil {
			return err
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
	}
}

// lastExpr is the previous line's expression, compiled: lines often share
// one rule.
type lastExpr struct {
	raw  []byte
	done bool
	e    *certlogic.Expr
	err  error
}

func (l *lastExpr) compile(raw json.RawMessage) (*certlogic.Expr, error) {
	if !l.done || !bytes.Equal(raw, l.raw) {
		l.raw = append(l.raw[:0], raw...)
		l.e, l.err = compileRaw(raw)
		l.done = true
	}
	return l.e, l.err
}

func compileRaw(raw json.RawMessage) (*certlogic.Expr, error) {
	var expr any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &expr); err != nil {
			return nil, err
		}
	}
	return certlogic.Compile(expr, certlogic.Limits{})
}

// answer is the output line for one evaluation.
func (c *cli) answer(e *certlogic.Expr, err error, data any) []byte {
	if err != nil {
		return errorLine(err.Error())
	}
	v, err := e.Eval(data)
	if err != nil {
		return errorLine(err.Error())
	}
	b, err := c.encodeResult(map[string]any{"result": v})
	if err != nil {
		return errorLine(err.Error())
	}
	return b
}

func errorLine(msg string) []byte {
	b, _ := json.Marshal(map[string]string{"error": msg})
	return append(b, '\n')
}

// readLine reads one line without its end (\n or \r\n); long reports a
// line over maxLine, whose rest is skipped. err is io.EOF with the last
// line when the input ends without a newline.
func readLine(r *bufio.Reader) (line []byte, long bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if !long {
			line = append(line, chunk...)
			if len(line) > maxLine+2 {
				line, long = nil, true
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		return line, long, err
	}
}
