package assets

// The demo's assets in demo/ are made from the project's fixtures
// (testdata/) by the project's own tools; see internal/demogen.
//go:generate go run ../internal/demogen

// The admit and refuse sounds in sounds/; see internal/soundgen.
//go:generate go run ../internal/soundgen sounds
