/// The explorer's page, style and script (`page.html`, `explorer.css`, `explorer.js` beside this
/// file), compiled into the binary by SwiftPM so `latent serve` needs no files beside it and
/// nothing from the network.
enum ExplorerPage {
    static let html = String(decoding: PackageResources.page_html, as: UTF8.self)
    static let style = String(decoding: PackageResources.explorer_css, as: UTF8.self)
    static let script = String(decoding: PackageResources.explorer_js, as: UTF8.self)
}
