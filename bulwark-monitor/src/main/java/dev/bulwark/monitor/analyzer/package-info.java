/**
 * The analyzer SPI: what a flowchart node runs. Analyzers are resolved by name through an
 * {@link dev.bulwark.monitor.analyzer.AnalyzerRegistry}; new ones plug in by registering an
 * {@link dev.bulwark.monitor.analyzer.AnalyzerFactory}.
 */
@NullMarked
package dev.bulwark.monitor.analyzer;

import org.jspecify.annotations.NullMarked;
