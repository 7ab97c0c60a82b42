package webapp

// BindUI is bindUI, for the tests of package webapp_test.
var BindUI = bindUI
