import Foundation

/// This process's executable, for the commands that start more of it: `tune`'s child runs,
/// `run --process-per-visit`'s visits, the workers of `peers` and `tune`.
package enum ThisBinary {
    package static var path: String {
        let argument = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        return FileManager.default.isExecutableFile(atPath: argument) ? argument : (Bundle.main.executablePath ?? argument)
    }
}
