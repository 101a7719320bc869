package assets

// The demo's assets in demo/ are made from the project's fixtures
// (testdata/) by the project's own tools; see internal/gen/demogen.
//go:generate go run ../internal/gen/demogen

// The admit and refuse sounds in sounds/; see internal/gen/soundgen.
//go:generate go run ../internal/gen/soundgen sounds
