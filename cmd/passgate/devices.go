package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/passgate/passgate/camera"
)

// devices runs `passgate devices`: every video device with its modes.
func (p *cli) devices(_ context.Context, args []string) error {
	e, c := p.env, p.cat
	fs := p.flags("devices", "[--json]", "usage.devices")
	asJSON := fs.Bool("json", false, c.T("flag.devices.json"))
	if err := p.parse(fs, args, 0); err != nil {
		return err
	}
	devs := camera.NewDevices(e.Now).List()
	if *asJSON {
		type mode struct {
			Width  int     `json:"width"`
			Height int     `json:"height"`
			FPS    float64 `json:"fps,omitempty"`
			Format string  `json:"format"`
		}
		type device struct {
			Label string `json:"label"`
			Name  string `json:"name"`
			Modes []mode `json:"modes"`
			Error string `json:"error,omitempty"`
		}
		out := []device{}
		for _, d := range devs {
			dv := device{Label: d.Label, Name: d.Name, Modes: []mode{}}
			for _, m := range d.Modes {
				dv.Modes = append(dv.Modes, mode{m.Width, m.Height, m.FPS, m.Format})
			}
			if d.Err != nil {
				dv.Error = d.Err.Error()
			}
			out = append(out, dv)
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(map[string]any{"camera_support": camera.WebcamSupport(), "devices": out})
		return nil
	}
	if !camera.WebcamSupport() {
		fmt.Fprintln(e.Stdout, c.T("cli.no_camera_support"))
		return nil
	}
	if len(devs) == 0 {
		fmt.Fprintln(e.Stdout, c.T("cli.no_cameras"))
		return nil
	}
	for _, d := range devs {
		fmt.Fprintf(e.Stdout, "%s  (%s)\n", d.Label, d.Name)
		if d.Err != nil {
			fmt.Fprintf(e.Stdout, "    %s\n", c.T("cli.device_error", d.Err))
		}
		for _, m := range d.Modes {
			fmt.Fprintf(e.Stdout, "    %s\n", m)
		}
	}
	return nil
}
