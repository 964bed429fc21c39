package openapi

// YAMLToJSON exposes the converter to the benchmark.
var YAMLToJSON = yamlToJSON
